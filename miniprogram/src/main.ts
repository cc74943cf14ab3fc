import './platform/zod-jitless';
import { createApp } from 'vue';
import 'vant/es/style/base.css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { startSubmitQueue } from './offline/submit-queue';

createApp(App).use(router).mount('#app');
startSubmitQueue();
