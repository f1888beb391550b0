/**
 * What a secret reads as wherever it is shown or kept: the journal's params, a secret capture, the
 * screen, the plain view, a dry run, a timeline. The one spelling, so a search for it finds them all.
 */
export const MASKED = "***";
