/**
 * The shape of one report attachment, ready for `this.attach(body, { mediaType, fileName })`, and
 * how a picture travels: base64 with the media type prefixed `base64:` (Cucumber's HTML report
 * shows an image only when its attachment is base64-encoded, and that prefix is how a string
 * body says so; the message then says image/svg+xml).
 */

export interface ReportAttachment {
  body: string;
  mediaType: string;
  fileName?: string;
}

/** Media type Cucumber receives for an SVG picture (decoded, the message says image/svg+xml). */
export const SVG_MEDIA_TYPE = 'base64:image/svg+xml';

/** An SVG document as a picture attachment named `fileName`. */
export function svgAttachment(svg: string, fileName: string): ReportAttachment {
  return { body: Buffer.from(svg, 'utf8').toString('base64'), mediaType: SVG_MEDIA_TYPE, fileName };
}
