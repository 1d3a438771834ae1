-- The timeline's latest dated entry (pages::data::timeline, through store::timeline's
-- LastDated walk) is read by its end day, descending. The current tables have indexes on
-- the end day since the first migration; the row versions a past version (`as_of`) reads had
-- none, so an embed of a past version sorted every row version to find it.
create index if not exists history_incidents_date_end_idx on history.incidents (date_end);
create index if not exists history_claims_made_end_idx on history.claims (made_end);
