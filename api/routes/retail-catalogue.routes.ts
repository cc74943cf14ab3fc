import { z } from 'zod';
import { addShelfPosition, createProduct, renameShelfPosition, updateProduct } from '../../core/retail/catalogue.js';
import { CreateProductSchema, CreateShelfPositionSchema, UpdateProductSchema, UpdateShelfPositionSchema } from '../../core/retail/catalogue-schemas.js';
import { ProductSchema } from '../../core/retail/retail-schemas.js';
import { IdParams } from '../../core/resources/schemas.js';
import { defineRoute, type RouteKit } from '../route-kit.js';

const ShelfPositionSchema = z.object({ id: z.number(), code: z.string(), label: z.string() });

/** Editing the catalogue and the stores' shelf positions (#21 item 1). */
export function registerRetailCatalogueRoutes(kit: RouteKit): void {
  const tags = ['retail'];
  defineRoute(kit, {
    method: 'post', path: '/api/retail/products', operationId: 'createProduct', tags, idempotent: true,
    summary: '新增商品：商品编码、条码（校验位须正确）、名称、品类、上市日期（管理员、销售总监、区域主管）',
    body: CreateProductSchema, response: ProductSchema,
    handler: ({ db, actor, body }) => createProduct(db, actor, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/retail/products/{id}', operationId: 'updateProduct', tags, summary: '修改商品',
    params: IdParams, body: UpdateProductSchema, response: ProductSchema,
    handler: ({ db, actor, params, body }) => updateProduct(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'post', path: '/api/retail/stores/{id}/shelf-positions', operationId: 'addShelfPosition', tags, idempotent: true,
    summary: '为门店新增货架位（不填货架位码时按门店自动编号）',
    params: IdParams, body: CreateShelfPositionSchema, response: ShelfPositionSchema,
    handler: ({ db, actor, params, body }) => addShelfPosition(db, actor, params.id, body),
  });
  defineRoute(kit, {
    method: 'patch', path: '/api/retail/shelf-positions/{id}', operationId: 'renameShelfPosition', tags, summary: '修改货架位名称',
    params: IdParams, body: UpdateShelfPositionSchema, response: ShelfPositionSchema,
    handler: ({ db, actor, params, body }) => renameShelfPosition(db, actor, params.id, body.label),
  });
}
