/**
 * The unit portal's files (the Vite build of src/portal, out/portal), served at /portal/ by the
 * central server: units are departments with a browser, so the server that holds their orders
 * also hands them the page. Only files inside the built folder are ever read: the request path
 * is decoded once, refused if it holds anything but plain segments (.., ., empty, backslash,
 * NUL, dot-files), and the resolved path must still lie inside the folder. A path without a file
 * extension is a client route (/portal/orders/…) and gets index.html. Every answer carries the
 * portal's Content-Security-Policy (no inline script), nosniff and no framing.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** antd writes its CSS-in-JS into <style> tags: style-src needs 'unsafe-inline'; scripts never run inline. */
export const PORTAL_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const NOT_BUILT_MESSAGE =
  '单位门户尚未构建：请在项目目录运行 `npm run build:portal` 后重启服务器。\n' +
  'The unit portal is not built: run `npm run build:portal` in the project folder, then restart the server.\n';

/** The segments of a request path below /portal/, or null when it is not a plain relative path. */
export function portalSegments(rawPath: string): string[] | null {
  const rest = rawPath.slice('/portal/'.length);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null; // malformed %-encoding
  }
  // a second decoding layer (%252e) stays literal: it is decoded once, then must be plain
  for (const ch of decoded) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '%' || code < 0x20 || code === 0x7f) return null;
  }
  if (decoded === '') return [];
  const segments = decoded.split('/');
  for (const s of segments) {
    if (s === '' || s === '.' || s === '..' || s.startsWith('.')) return null;
  }
  return segments;
}

function secure(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', PORTAL_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return secure(reply).code(404).type('text/plain; charset=utf-8').send(message);
}

/** GET /portal → /portal/, GET /portal/ and /portal/* → the built files. */
export function registerPortalStatic(app: FastifyInstance, portalDir: string): void {
  const root = resolve(portalDir);

  const sendFile = async (reply: FastifyReply, path: string, cache: string) => {
    const body = await readFile(path);
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return secure(reply).code(200).type(type).header('cache-control', cache).send(body);
  };

  const serveIndex = async (reply: FastifyReply) => {
    const index = resolve(root, 'index.html');
    try {
      if (!(await stat(index)).isFile()) return notFound(reply, NOT_BUILT_MESSAGE);
    } catch {
      return notFound(reply, NOT_BUILT_MESSAGE);
    }
    // index.html names the hashed bundles: always ask again
    return sendFile(reply, index, 'no-cache');
  };

  app.get('/portal', async (_req, reply) => secure(reply).redirect('/portal/', 301));

  app.get('/portal/*', async (req, reply) => {
    const path = req.url.split('?')[0] ?? '';
    const segments = portalSegments(path);
    if (segments === null) return notFound(reply, 'Not found\n');
    if (segments.length === 0 || extname(segments[segments.length - 1]!) === '') {
      // /portal/ or a client route of the page (/portal/orders/…)
      return serveIndex(reply);
    }
    const candidate = resolve(root, ...segments);
    if (!candidate.startsWith(root + sep)) return notFound(reply, 'Not found\n');
    let real: string;
    try {
      // a symbolic link inside the folder may not lead out of it
      real = await realpath(candidate);
      const realRoot = await realpath(root);
      if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return notFound(reply, 'Not found\n');
    } catch {
      try {
        await stat(resolve(root, 'index.html'));
      } catch {
        return notFound(reply, NOT_BUILT_MESSAGE);
      }
      return notFound(reply, 'Not found\n');
    }
    // Vite's bundles carry a content hash in their names: cache them for good
    const cache = segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
    return sendFile(reply, real, cache);
  });
}
