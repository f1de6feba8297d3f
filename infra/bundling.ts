/**
 * How every function is bundled (esbuild through NodejsFunction, see constructs/service-function.ts).
 * Pure data, no aws-cdk-lib: bench/bundles.ts builds with exactly these options to measure what is
 * deployed.
 */

/** true: @aws-sdk/* goes into the bundle; false: left external, loaded from the Lambda runtime. */
export const BUNDLE_AWS_SDK = false;

/** The modules the runtime provides when the SDK is not bundled. */
export const AWS_SDK_EXTERNALS = ['@aws-sdk/*'];

export const FUNCTION_BUNDLING = {
  format: 'esm',
  minify: true,
  sourceMap: true,
  target: 'node20',
  mainFields: ['module', 'main'],
  externalModules: BUNDLE_AWS_SDK ? [] : AWS_SDK_EXTERNALS,
  // ESM bundles of CommonJS dependencies still call require() for Node built-ins.
  banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
} as const;
