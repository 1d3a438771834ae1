-- When the data last changed, as the database saw it (not the curated `updated` date):
-- the `Last-Modified` of every response and part of the export's validator.
alter table dataset_meta add column changed_at timestamptz not null default now();
