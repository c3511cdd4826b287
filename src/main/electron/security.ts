/**
 * Every Electron hardening step in one place (after Actual Budget's security.ts):
 * - windows: context isolation, the sandbox, no Node in the renderer, web security on;
 * - no navigation away from the app, no redirects, no new windows, no <webview>;
 * - no permission (camera, notifications, geolocation…) is granted to web content;
 * - contract calls are accepted only from our own top frame (checked in ipc.ts).
 * The renderer's CSP (src/main/csp.ts) is set as a response header on every page, besides the
 * <meta> copy in src/renderer/index.html.
 */
import { app, session, shell, type WebContents, type WebPreferences } from 'electron';
import { contentSecurityPolicy } from '../csp';
import { isAppUrl } from './env-policy';

export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
  };
}

/** `rendererUrl`: the dev server (development only, see env-policy.ts), or null. */
export function hardenApp(rendererDir: string, rendererUrl: string | null): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, rendererDir, rendererUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // links to public https pages open in the system browser, never inside the app
      if (url.startsWith('https://')) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });

  app.whenReady().then(() => {
    const ses = session.defaultSession;
    ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
    ses.setPermissionCheckHandler(() => false);
    ses.webRequest.onHeadersReceived((details, callback) => {
      callback({
        responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
      });
    });
  });
}
