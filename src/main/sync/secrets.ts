/**
 * How the refresh token is kept at rest. The store holds it sealed by a SecretBox: under
 * Electron the adapter passes one backed by safeStorage (DPAPI on Windows, the keychain on
 * macOS, libsecret/kwallet on Linux); in plain Node (browser harness, tests) it is stored as is,
 * protected only by the data folder's file permissions (a single-user OS account machine).
 *
 * A sealed value names its scheme, so a token sealed by one box and read by another (the data
 * folder opened by the harness after Electron) is reported as unreadable rather than misused:
 * the operator then simply signs in online again.
 */
export interface SecretBox {
  seal(plain: string): string;
  /** null when the value cannot be opened here */
  open(sealed: string): string | null;
}

export const plainSecretBox: SecretBox = {
  seal: (plain) => `plain:${plain}`,
  open: (sealed) => (sealed.startsWith('plain:') ? sealed.slice('plain:'.length) : null),
};
