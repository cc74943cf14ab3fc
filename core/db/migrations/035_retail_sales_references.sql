-- retail_sales names its store and product without per-row foreign keys: a million-row import spent 16 of its
-- 24 s in the two RI triggers (one locking SELECT per row and key, bench/retail). The one writer, the sales import,
-- checks every row against the stores and the catalogue and locks the few stores and products it names
-- (FOR KEY SHARE, once each) before its one merge; these triggers keep the other side: a store or product
-- that has sales cannot be deleted or renumbered, as the foreign keys refused.
ALTER TABLE retail_sales DROP CONSTRAINT retail_sales_store_id_fkey;
ALTER TABLE retail_sales DROP CONSTRAINT retail_sales_product_id_fkey;

-- TG_ARGV: the retail_sales column and the referenced key, e.g. ('store_id', 'customer_id')
CREATE FUNCTION retail_sales_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  col text := TG_ARGV[0];
  key bigint := (to_jsonb(OLD) ->> TG_ARGV[1])::bigint;
  sold boolean;
BEGIN
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM retail_sales WHERE %I = $1)', col) USING key INTO sold;
  IF sold THEN
    RAISE EXCEPTION '% % has imported sales', TG_TABLE_NAME, key
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'retail_sales_' || col || '_fkey', TABLE = 'retail_sales';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER retail_sales_keep_store BEFORE DELETE OR UPDATE OF customer_id ON retail_stores
  FOR EACH ROW EXECUTE FUNCTION retail_sales_keep_referenced('store_id', 'customer_id');
CREATE TRIGGER retail_sales_keep_product BEFORE DELETE OR UPDATE OF id ON retail_products
  FOR EACH ROW EXECUTE FUNCTION retail_sales_keep_referenced('product_id', 'id');
