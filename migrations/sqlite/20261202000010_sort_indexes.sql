-- The contract list reads a page off the index of its order instead of sorting every contract
-- (app/src/storage/contracts/list.rs writes each ORDER BY as these indexes hold it). NULLs last
-- in both directions takes one index per direction for a column that can be NULL.
CREATE INDEX contracts_signed_asc_idx ON contracts ((signed_on IS NULL), signed_on, id);
CREATE INDEX contracts_signed_desc_idx ON contracts ((signed_on IS NULL), signed_on DESC, id DESC);
CREATE INDEX contracts_usd_asc_idx ON contracts ((usd_minor IS NULL), usd_minor, id);
CREATE INDEX contracts_usd_desc_idx ON contracts ((usd_minor IS NULL), usd_minor DESC, id DESC);
CREATE INDEX contracts_title_idx ON contracts (lower(title), id);
CREATE INDEX contracts_status_idx ON contracts (status, id);
-- One buyer's contracts, newest first: the list a buyer's summary links to.
CREATE INDEX contracts_buyer_signed_idx ON contracts (buyer_code, (signed_on IS NULL), signed_on DESC, id DESC);
-- By buyer: countries in name order, each with its contracts (sorted by id one country at a
-- time).
CREATE INDEX contracts_buyer_idx ON contracts (buyer_code, id);
CREATE INDEX countries_name_idx ON countries (name, code);
-- The deliveries list, newest first (or oldest): a page off the index.
CREATE INDEX deliveries_date_idx ON deliveries (delivered_on, id);
