-- i16-cases2: the document a complainant hands in with a complaint or an appeal (a scan or a
-- PDF, checked by its bytes), kept once per BLAKE3 digest beside the decisions' documents and
-- named by the step it came with. Kept in step with the other engine's file of the same name.
ALTER TABLE complaint_steps ADD COLUMN attachment TEXT
    CONSTRAINT complaint_steps_attachment_fkey REFERENCES complaint_documents (digest);
