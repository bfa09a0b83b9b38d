// Text bound for a terminal, made safe to print: documents, gold and model outputs are untrusted text, and a
// control character in them (ESC starting a sequence that sets the window title, colours or moves the cursor; a
// lone CR overwriting a line) would act on the user's terminal instead of being read.

/**
 * `text` with every C0 control but tab and line feed (CR only where it ends a line) shown as a visible picture
 * (U+2400 + code: ESC → ␛), DEL and every C1 control as a JSON escape (`\u009b`). Other text unchanged. JSON
 * printed through it (`--json`, `--log-samples -`) stays valid and means the same: JSON.stringify escapes C0
 * itself, and leaves DEL and C1 raw, which are written here as the escapes JSON reads back.
 */
export function terminalText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c, at: number) => {
    const code = c.charCodeAt(0);
    if (code === 0x0d && text[at + 1] === '\n') return c;
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
