-- A `read` scope: a key that identifies its holder but may not write.
alter table api_keys drop constraint api_keys_scope_check;
alter table api_keys add constraint api_keys_scope_check check (scope in ('read', 'write', 'admin'));
