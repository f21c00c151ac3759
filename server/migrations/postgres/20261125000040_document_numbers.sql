-- Document numbers and signers' positions (issue 7; NĐ 30/2020/NĐ-CP).
--
-- A staff member's position (chức danh) decides how what they issue is signed
-- (domain::documents::Signer::of). Accounts made before positions are chuyên viên, who sign as
-- "CÁN BỘ XỬ LÝ HỒ SƠ", as every document was signed until now.
ALTER TABLE staff_accounts ADD COLUMN title TEXT NOT NULL DEFAULT 'chuyen_vien'
    CHECK (title IN ('giam_doc', 'pho_giam_doc', 'truong_phong', 'pho_truong_phong', 'chuyen_vien'));

-- The last number each issuing body gave in each series of each calendar year (NĐ 30/2020 art. 15.1:
-- numbers run from 01 on 1 January). `issuer` is the body's jurisdiction (commune code or SCT),
-- `series` a domain::documents::NumberSeries. A number is taken by one statement,
-- INSERT … ON CONFLICT DO UPDATE SET last_number = last_number + 1 RETURNING last_number, which
-- locks the row: concurrent requests get consecutive, distinct numbers.
CREATE TABLE document_number_counters (
    issuer      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    series      TEXT NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (issuer, year, series)
);

-- "Số và ký hiệu" of an issued document as printed after "Số: " ("07/TB-PKT"); none for a certificate.
ALTER TABLE dossier_documents ADD COLUMN number TEXT;
