// Label-like answers (an option number, a TNM factor) as live models write them: full-width digits and
// colons, markdown emphasis, a separator right after the label. Used by ExamQA, DC-TMN and RE only: list
// items (CCA, MR) and DC-ADE keep the release's own raw-string rules (shared/spec/benchmark.md).

/**
 * The output with width normalised (NFKC: `２` → `2`, `：` → `:`, `，` → `,`) and markdown emphasis
 * (`**x**`, `__x__`, on one line) reduced to its text. `、` and `。` are left as written.
 */
export function normalizeLabelText(output: string): string {
  return output
    .normalize('NFKC')
    .replace(/\*\*([^\n]+?)\*\*|__([^\n]+?)__/g, (_, a?: string, b?: string) => a ?? b ?? '');
}
