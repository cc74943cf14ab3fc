import vue from '@vitejs/plugin-vue';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

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
  plugins: [vue()],
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
