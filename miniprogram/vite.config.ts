import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Vant's icon font lists a copy on a CDN (at.alicdn.com) after its inline one.
 * The app loads nothing from third parties, and its Content-Security-Policy
 * (font-src 'self' data:) would refuse it anyway: the remote source is cut
 * from the built CSS, the inline font stays.
 */
function noRemoteFonts(): Plugin {
  const remote = /,\s*url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*format\(\s*["']?woff["']?\s*\)/g;
  return {
    name: 'actionflow:no-remote-fonts',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type === 'asset' && file.fileName.endsWith('.css') && typeof file.source === 'string') {
          file.source = file.source.replace(remote, '');
        }
      }
    },
  };
}

/**
 * The H5 app. One chunk per page (router lazy imports); Vant components and
 * their CSS are imported per page, ECharts (echarts/core, tree-shaken) only by
 * the customer graph, so the rep's visit flow stays small on first load.
 * `@core` reaches the server's pure modules (geo conversion, schemas) so the
 * app never re-implements a rule.
 */
export default defineConfig({
  root: here('.'),
  base: '/',
  publicDir: here('./public'),
  plugins: [vue(), noRemoteFonts()],
  resolve: { alias: { '@core': here('../core'), '@': here('./src') } },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    cssCodeSplit: true,
    chunkSizeWarningLimit: 600,
    reportCompressedSize: false,
  },
  server: {
    fs: { allow: [here('..')] },
    proxy: { '/api': 'http://localhost:3000' },
  },
});
