// `jcb phi`: the personal-information check on its own, through the detector and masking that guard
// every text sent to a model (issue 27), so that a document can be checked before it goes anywhere.
import { checkText } from '../privacy/free-text.js';
import type { MaskedText } from '../privacy/detect.js';
import type { ServiceContext } from './context.js';

export function phiServices(ctx: ServiceContext) {
  return {
    /**
     * The findings in `text` (kind, JS string span, text) and the text masked to a fixed point.
     * @throws CheckFailedError (a UserError) when the check fails.
     */
    phi: (text: string): Promise<MaskedText> => checkText(text, ctx.detect, ctx.env),
  };
}
