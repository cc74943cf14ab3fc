-- Recognising the customer on a share page opened in WeCom or WeChat (issue #20): a contact's WeCom
-- external_userid (客户联系), which the page's silent OAuth returns for a non-member, and how each open's
-- contact was known — 'link' (the contact the link was sent to) or 'wecom' (OAuth matched the contact).
ALTER TABLE contacts ADD COLUMN wecom_external_userid text
  CHECK (wecom_external_userid IS NULL OR wecom_external_userid ~ '^[A-Za-z0-9_-]{1,64}$');
CREATE UNIQUE INDEX contacts_wecom_external_userid_idx ON contacts (wecom_external_userid) WHERE wecom_external_userid IS NOT NULL;
ALTER TABLE share_opens ADD COLUMN identified_by text CHECK (identified_by IN ('link', 'wecom'));
