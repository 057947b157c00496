/**
 * Module hooks that let Node load `@tensorflow/tfjs-core/dist/register_all_gradients.js`.
 *
 * tfjs-core's Node bundle (`dist/tf-core.node.js`) has no kernel gradients: the union package
 * `@tensorflow/tfjs` normally registers them. Its ES-module build (`dist/**.js`, untouched here)
 * does have them, but with extension-less relative imports in a package without
 * `"type": "module"`. These hooks treat those files as ES modules and add the `.js`; the gradients
 * they register go into tfjs's global kernel registry, which the Node bundle shares.
 */
import type { LoadHook, ResolveHook } from 'node:module';

const ESM_DIST = '/@tensorflow/tfjs-core/dist/';

export const resolve: ResolveHook = async (specifier, context, next) => {
  try {
    return await next(specifier, context);
  } catch (e) {
    if (specifier.startsWith('.') && context.parentURL?.includes(ESM_DIST) === true && !specifier.endsWith('.js')) {
      return next(`${specifier}.js`, context);
    }
    throw e;
  }
};

export const load: LoadHook = async (url, context, next) => {
  if (url.includes(ESM_DIST) && url.endsWith('.js') && !url.endsWith('.node.js')) {
    return { ...(await next(url, { ...context, format: 'module' })), format: 'module' };
  }
  return next(url, context);
};
