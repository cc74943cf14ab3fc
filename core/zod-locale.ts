import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';

// Chinese default messages for every schema, and `.openapi()` metadata support.
// Imported once by each process entry point (and the test setup).
z.config(z.locales.zhCN());
extendZodWithOpenApi(z);
