/**
 * Optional TLS on the server itself (`--tls-cert FILE --tls-key FILE`), for a centre without a
 * reverse proxy. Both files or neither; each must be readable PEM and the pair must match —
 * checked here, before the database is opened, so a bad certificate stops the start with the
 * file and the reason instead of a server that accepts no connection.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

export class TlsConfigError extends Error {}

export function loadTlsFiles(certFile: string | undefined, keyFile: string | undefined): TlsFiles | undefined {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (!certFile || !keyFile) {
    throw new TlsConfigError(
      `--tls-cert and --tls-key go together: ${certFile ? '--tls-key' : '--tls-cert'} is missing (give both to serve HTTPS, neither for plain HTTP)`,
    );
  }
  const read = (flag: string, file: string, marker: RegExp, what: string): Buffer => {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (e) {
      throw new TlsConfigError(`${flag} ${file}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!marker.test(data.toString('latin1'))) throw new TlsConfigError(`${flag} ${file}: not a PEM ${what}`);
    return data;
  };
  const cert = read('--tls-cert', certFile, /-----BEGIN CERTIFICATE-----/, 'certificate (-----BEGIN CERTIFICATE-----)');
  const key = read('--tls-key', keyFile, /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/, 'private key (-----BEGIN PRIVATE KEY-----)');
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    throw new TlsConfigError(`--tls-cert ${certFile} / --tls-key ${keyFile}: unusable (${(e as Error).message})`);
  }
  return { cert, key };
}
