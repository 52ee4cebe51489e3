DROP TABLE api_reads;
