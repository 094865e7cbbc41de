-- The number of the CEC decision (токтом / постановление) that moved a deadline of an
-- election's calendar, as the CEC writes it: parsed back through shailoo_app::DecisionNumber.
-- NULL for an override stored before the number was kept. Kept in step with the ../postgres file
-- of the same name.

ALTER TABLE calendar_overrides ADD COLUMN decision_number TEXT;
