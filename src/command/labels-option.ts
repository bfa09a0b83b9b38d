// `--labels paper|reviewed` (issue 22): CCA's gold version, on every command that shows a CCA score.
import type { OptionSpec } from './command-spec.js';

export const LABELS: OptionSpec = {
  name: 'labels',
  value: 'paper|reviewed',
  choices: ['paper', 'reviewed'],
  description: "CCA's gold: the paper's (data_old.csv, the default) or the re-reviewed data.csv.",
};
