// The kinds of personal information the detector reports, and the label each is masked with.

export const KIND_LABELS = {
  name: '氏名',
  phone: '電話番号',
  address: '住所',
  email: 'メール',
  date: '日付',
  age: '年齢',
  record: 'ID',
  facility: '施設名',
} as const;

export type FindingKind = keyof typeof KIND_LABELS;

export const KINDS = Object.keys(KIND_LABELS) as FindingKind[];

/** A piece of personal information: its kind and where it is (JS string indices, end exclusive). */
export interface Finding {
  kind: FindingKind;
  start: number;
  end: number;
  text: string;
}

/** A finding on the normalized text, before overlaps are settled: the higher `rank` wins. */
export interface Candidate {
  kind: FindingKind;
  start: number;
  end: number;
  rank: number;
}
