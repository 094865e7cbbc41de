-- A commission's public phone (the one voters call; for a PEC, its premises on voting day):
-- E.164 text (+996 and nine digits), parsed back through shailoo_domain::identity::PhoneNumber.
-- NULL where none is known. Kept in step with the ../postgres file of the same name.

ALTER TABLE commissions ADD COLUMN phone TEXT;
