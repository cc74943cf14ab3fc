/**
 * Copies a link shown in a read-only field beside the button pressed. The
 * clipboard API needs a secure page; inside WeCom on http the field's text is
 * selected and copied the old way.
 *
 *   await copyLink(link.url, event); // the button sits in an element with [data-link] around the <input>
 */
export async function copyLink(text: string, ev: Event): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    (ev.target as HTMLElement).closest('[data-link]')?.querySelector('input')?.select();
    document.execCommand('copy');
  }
}
