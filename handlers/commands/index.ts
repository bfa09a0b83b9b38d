import type { BotContext, Listener } from '../context.js';
import { jcbCommand } from './jcb.js';

export default {
  listeners: (ctx: BotContext): Listener[] => [
    {
      kind: 'command',
      id: '/jcb',
      acts: [
        'read',
        'run-replay',
        'run-live',
        'eval-replay',
        'eval-live',
        'requeue',
        'cancel',
        'judge',
        'rate',
        'post-leaderboard',
        'digest',
        'audit',
      ],
      handler: jcbCommand(ctx),
    },
  ],
};
