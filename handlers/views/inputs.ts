// Where a modal's refusal is shown: `response_action: 'errors'` must name a block the modal has, else Slack refuses
// the answer and the person sees "We had some trouble connecting" (breaker-slack finding 5). Read from the modals'
// own builders, never from the submitted payload.
import { COMMENT_MODAL } from '../actions/rating.js';
import { commentModalBlocks, firstInput, taskModalBlocks } from '../blocks/modal.js';
import { MODAL_ID } from '../shortcuts/index.js';

const INPUTS: Record<string, string> = {
  [MODAL_ID]: firstInput(taskModalBlocks('', [], [])),
  [COMMENT_MODAL]: firstInput(commentModalBlocks()),
};

/** The ack that shows `text` under the first input of modal `callbackId`; undefined for a modal not of ours. */
export function modalErrors(callbackId: string | undefined, text: string) {
  const block = callbackId === undefined ? undefined : INPUTS[callbackId];
  return block ? { response_action: 'errors' as const, errors: { [block]: text } } : undefined;
}
