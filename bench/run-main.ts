// The shared ending of every bench entry point: Dawn keeps Node's event loop alive, so each exits explicitly,
// printing a missing adapter as its one-line message and anything else with its stack.

export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.name === 'NoAdapterError' ? err.message : err.stack);
      process.exit(1);
    },
  );
}
