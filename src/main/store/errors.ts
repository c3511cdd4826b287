/**
 * Errors the store throws on purpose. Anything else escaping the store is a bug or an I/O
 * failure; callers map these classes to plain messages for the operator.
 */

/** The database file was written by a newer version of the application (迁移版本过新). */
export class StoreTooNewError extends Error {
  override readonly name = 'StoreTooNewError';
  constructor(
    readonly fileVersion: number,
    readonly appVersion: number,
    file: string,
  ) {
    super(
      `the database ${file} has schema version ${fileVersion}, but this application only knows up to ` +
        `version ${appVersion}: update the application before opening it`,
    );
  }
}

/** Input the store cannot accept; `key` is an i18n key ("phone.invalid", "draft.tooLarge"). */
export class StoreInputError extends Error {
  override readonly name = 'StoreInputError';
  constructor(readonly key: string) {
    super(key);
  }
}
