-- retail_sales names its store and product without per-row foreign keys: a million-row import spent 16 of its
-- 24 s in the two RI triggers (one locking SELECT per row and key, bench/retail). The one writer, the sales import,
-- checks every row against the stores and the catalogue and locks the few stores and products it names
-- (FOR KEY SHARE, once each) before its one merge; these triggers keep the other side: a store or product
-- that has sales cannot be deleted or renumbered, as the foreign keys refused.
ALTER TABLE retail_sales DROP CONSTRAINT retail_sales_store_id_fkey;
ALTER TABLE retail_sales DROP CONSTRAINT retail_sales_product_id_fkey;

CREATE FUNCTION retail_sales_keep_store() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM retail_sales WHERE store_id = OLD.customer_id) THEN
    RAISE EXCEPTION 'store % has imported sales', OLD.customer_id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'retail_sales_store_id_fkey', TABLE = 'retail_sales';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER retail_sales_keep_store BEFORE DELETE OR UPDATE OF customer_id ON retail_stores
  FOR EACH ROW EXECUTE FUNCTION retail_sales_keep_store();

CREATE FUNCTION retail_sales_keep_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM retail_sales WHERE product_id = OLD.id) THEN
    RAISE EXCEPTION 'product % has imported sales', OLD.id
      USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'retail_sales_product_id_fkey', TABLE = 'retail_sales';
  END IF;
  RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER retail_sales_keep_product BEFORE DELETE OR UPDATE OF id ON retail_products
  FOR EACH ROW EXECUTE FUNCTION retail_sales_keep_product();
