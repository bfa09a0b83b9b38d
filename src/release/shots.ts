// The prompt settings of the benchmark: one example in the prompt, or none. Kept apart from types.ts so
// that the release reader can name them without depending on the task interface (which depends on it).
export const SHOTS = ['one', 'zero'] as const;
export type Shot = (typeof SHOTS)[number];
