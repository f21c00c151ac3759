//! Field types that parse, never just check: each newtype can only hold a valid value, is built with
//! `TryFrom<String>` (also used by serde), and has its own error enum with a user-facing message.

mod email;
mod hkd_name;
mod ma_so_thue;
mod money;
mod phone;
mod so_dinh_danh;

pub use email::{Email, EmailError};
pub(crate) use hkd_name::MAX_CHARS as MAX_NAME_CHARS;
pub use hkd_name::{
    ALLOWED_SYMBOLS, FORBIDDEN_PHRASES, LatinName, LatinNameError, NameKey, TenHoKinhDoanh,
    TenHoKinhDoanhError,
};
pub use ma_so_thue::{MaSoThue, MaSoThueError, MaSoThueKind};
pub use money::{Vnd, VndError};
pub use phone::{PhoneKind, SoDienThoai, SoDienThoaiError};
pub use so_dinh_danh::{Gender, HolderMismatch, SoDinhDanh, SoDinhDanhError};
