/**
 * The offline login verifier (离线登录校验值), as the OfflinePolicy of src/shared/sync.ts asks:
 * after an online login the workstation derives its OWN scrypt verifier from the password just
 * typed, with the server's cost parameters and a fresh random salt (the server's hash never
 * leaves the server). Offline, a typed password is accepted only if it reproduces it.
 *
 * scrypt runs on libuv's thread pool (crypto.scrypt, not scryptSync): ~100 ms at N = 2^15 that
 * must not freeze the main process.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { OfflinePolicy } from '../../shared/sync';

export const OfflineVerifier = z.object({
  algorithm: z.literal('scrypt'),
  N: z.number().int().min(2),
  r: z.number().int().min(1),
  p: z.number().int().min(1),
  keyLength: z.number().int().min(16).max(128),
  /** base64 */
  salt: z.string(),
  /** base64 */
  hash: z.string(),
});
export type OfflineVerifier = z.infer<typeof OfflineVerifier>;

function derive(password: string, salt: Buffer, k: { N: number; r: number; p: number; keyLength: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly 2^15·8·128, too tight
    const maxmem = 256 * k.N * k.r + 1024 * 1024;
    scrypt(password.normalize('NFC'), salt, k.keyLength, { N: k.N, r: k.r, p: k.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function createVerifier(password: string, kdf: OfflinePolicy['kdf']): Promise<OfflineVerifier> {
  const salt = randomBytes(Math.max(16, kdf.saltLength));
  const hash = await derive(password, salt, kdf);
  return { algorithm: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, keyLength: kdf.keyLength, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function checkVerifier(password: string, v: OfflineVerifier): Promise<boolean> {
  const expected = Buffer.from(v.hash, 'base64');
  const got = await derive(password, Buffer.from(v.salt, 'base64'), v);
  return got.length === expected.length && timingSafeEqual(got, expected);
}
