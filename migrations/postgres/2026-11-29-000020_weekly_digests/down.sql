DROP TABLE weekly_digests;
