// Holds one kind of D1 read open until the test lets it go: the real D1 binding, with the
// answer of a matching `prepare(...).bind(...).all()` delayed. Every other statement (a flush's
// batch among them) goes to D1 as it is, so a flush can commit while the read is held. Made and
// released inside the object whose binding it wraps: a promise belongs to one object's context.

export type HeldD1 = {
  db: D1Database;
  /** Whether a matching read has started and waits. */
  isHeld: () => boolean;
  /** Lets the held read (and every later one) through. */
  release: () => void;
};

export function holdReads(d1: D1Database, matches: (sql: string) => boolean): HeldD1 {
  let held = false;
  const gate = Promise.withResolvers<void>();
  const db = new Proxy(d1, {
    get(target, name) {
      if (name !== "prepare") return Reflect.get(target, name, target);
      return (sql: string) => {
        const statement = target.prepare(sql);
        if (!matches(sql)) return statement;
        return {
          bind: (...values: unknown[]) => ({
            all: async () => {
              held = true;
              await gate.promise;
              return statement.bind(...values).all();
            },
          }),
        };
      };
    },
  });
  return { db, isHeld: () => held, release: () => gate.resolve() };
}
