DROP TABLE holder_notices;
