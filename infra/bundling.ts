/**
 * How every function is bundled (esbuild through NodejsFunction, see constructs/service-function.ts).
 * Pure data, no aws-cdk-lib: bench/bundles.ts builds with exactly these options to measure what is
 * deployed.
 *
 * The AWS SDK is bundled (tree-shaken, minified) rather than left to the Lambda runtime: measured by
 * `BENCH_ONLY=bundles npm run bench`, a function's cold init is about a third shorter than with the external SDK
 * (one parsed file instead of the SDK's module graph), and production runs the SDK pinned in
 * package-lock.json instead of whatever version the runtime ships (docs/DECISIONS.md, Infrastructure).
 */

/**
 * true: @aws-sdk/* goes into the bundle; false: left external, loaded from the Lambda runtime. A switch
 * (`as boolean`): both settings stay type-checked where it is read.
 */
export const BUNDLE_AWS_SDK = true as boolean;

/** The modules the runtime provides when the SDK is not bundled. */
export const AWS_SDK_EXTERNALS = ['@aws-sdk/*'];

/** NODE_OPTIONS of every function: stack traces mapped to the TypeScript sources. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

export const FUNCTION_BUNDLING = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  // Stack traces need the mappings only; without the sources the map is ~3x smaller and parses faster
  // at init under --enable-source-maps.
  sourcesContent: false,
  target: 'node20',
  mainFields: ['module', 'main'],
  externalModules: BUNDLE_AWS_SDK ? [] : AWS_SDK_EXTERNALS,
  // ESM bundles of CommonJS dependencies still call require() for Node built-ins.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
} as const;
