/**
 * The renderer's Content-Security-Policy, sent as a response header by both transports (the
 * Electron session for file:// pages, the browser harness over http). The <meta> copy in
 * src/renderer/index.html cannot carry frame-ancestors, which browsers only honour in a header.
 * style-src needs 'unsafe-inline' for antd's CSS-in-JS <style> tags; no inline script is allowed.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
