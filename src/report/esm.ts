/**
 * Loads an ES-module-only package (vega 6, vega-lite 6) from this CommonJS project.
 * TypeScript compiles `import()` to `require()` under "module": "commonjs", and vega's Node build
 * has a top-level await (vega-canvas probing for the optional `canvas` package), which `require()`
 * cannot load (ERR_REQUIRE_ASYNC_MODULE). So this keeps a real dynamic import, resolved from here.
 */
import { pathToFileURL } from 'node:url';

const nativeImport = new Function('url', 'return import(url)') as (url: string) => Promise<unknown>;
const loaded = new Map<string, Promise<unknown>>();

/** The ES module `name` as seen from this project's node_modules, loaded once per process. */
export function importEsm<T>(name: string): Promise<T> {
  let module = loaded.get(name);
  if (module === undefined) {
    module = nativeImport(pathToFileURL(require.resolve(name)).href);
    loaded.set(name, module);
  }
  return module as Promise<T>;
}
