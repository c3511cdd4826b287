/**
 * Credentials after login:
 * - the access token, short-lived and stateless: a JWT (HS256) signed with the server's secret,
 *   which is generated on first start and kept in server_settings. Only our exact header is
 *   accepted, so no "alg" trick can get an unsigned or differently signed token through.
 * - the refresh token, long-lived and stateful: 32 random bytes, stored only as a sha256 hash,
 *   revocable (logout, account disabled).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role } from '../../shared/sync';

export interface AccessClaims {
  /** account id */
  sub: number;
  /** username */
  usr: string;
  role: Role;
  /** issued at, expires: epoch seconds as JWT has them */
  iat: number;
  exp: number;
  /**
   * the account's token epoch when it was signed (accounts.token_epoch): disabling the account or
   * resetting its password bumps the epoch, and a token of an older epoch is refused. Tokens
   * signed before this claim existed count as epoch 0.
   */
  ep?: number;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');
const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

const sign = (input: string, secret: Buffer): Buffer => createHmac('sha256', secret).update(input).digest();

export function signAccessToken(claims: AccessClaims, secret: Buffer): string {
  const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${b64url(sign(body, secret))}`;
}

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'invalid' | 'expired' };

export function verifyAccessToken(token: string, secret: Buffer, nowMs: number): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return { ok: false, reason: 'invalid' };
  const expected = sign(`${parts[0]}.${parts[1]}`, secret);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let claims: AccessClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as AccessClaims;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof claims.exp !== 'number' || typeof claims.sub !== 'number') return { ok: false, reason: 'invalid' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export const newSecret = (): string => randomBytes(32).toString('base64');
