DROP TABLE prepared_drafts;
