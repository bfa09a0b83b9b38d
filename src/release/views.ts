// Label versions: the release keeps two golds of CCA, and every CCA score can be computed under either from
// what is stored (the paper's generations, our runs' outputs). They are views of one release, never copies.

/** `paper`: the gold the paper scored (and its generations embed); `reviewed`: the release's re-reviewed gold. */
export const LABEL_VERSIONS = ['paper', 'reviewed'] as const;
export type LabelVersion = (typeof LABEL_VERSIONS)[number];

/** What `--labels` means when it is not given: the paper's, so that new models are ranked on Table 4's labels. */
export const DEFAULT_LABELS: LabelVersion = 'paper';

/**
 * Each version's file under a setting's benchmark folder, and when the release published it (its README and
 * history: `data.csv` re-reviewed on 2026-05-01, 88 of CCA's 200 documents changed; the old one kept as `data_old.csv`).
 */
export const LABEL_FILES: Readonly<Record<LabelVersion, { file: string; released: string }>> = {
  paper: { file: 'data_old.csv', released: 'the paper (LREC 2026)' },
  reviewed: { file: 'data.csv', released: '2026-05-01' },
};

/** A version as typed (any case), or undefined. */
export function labelVersionOf(word: string | null | undefined): LabelVersion | undefined {
  const w = word?.toLowerCase();
  return LABEL_VERSIONS.find((v) => v === w);
}

/** The other version: the one a run's score is also shown under, marked. */
export const otherLabels = (v: LabelVersion): LabelVersion => (v === 'paper' ? 'reviewed' : 'paper');

/**
 * The mark of a score shown under another version than the one its run sent the options of (a live CCA run
 * offers the chosen version's gold names): re-scored from its outputs, but the model saw the other list.
 */
export const OTHER_LIST_MARK = '¶';
export const OTHER_LIST_LEGEND = `${OTHER_LIST_MARK} re-scored under labels other than the options list the run sent`;
