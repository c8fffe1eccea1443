// A value to throw from a callback that the library must hand back untouched: any trap the library runs on it
// (reading a property, defining one, checking `in`) throws and is recorded.

/** A Proxy of an Error all of whose traps throw, recording in `log` each trap that ran. */
export function hostileProxy(log: string[]): object {
  const handler = new Proxy(
    {},
    {
      get: (_target, trap) => () => {
        log.push(String(trap));
        throw new Error(`the ${String(trap)} trap ran`);
      },
    },
  );
  return new Proxy(new Error('thrown'), handler);
}
