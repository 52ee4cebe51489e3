//! Files attached to a demande: the kinds a field accepts, the judgement of a sent file (its
//! real kind read from its bytes, never from its name or the browser's word), names made safe
//! to show and to download, and how an answer names its files.

use strum::{EnumString, IntoStaticStr, VariantArray};

/// A kind of file a provider's form may accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
#[strum(serialize_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Png,
    Jpeg,
    Webp,
    Odt,
    Docx,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The kind a provider's file names (`accept = ["pdf", "png"]`); `jpg` is `jpeg`.
    pub fn parse(name: &str) -> Option<FileKind> {
        match name {
            "jpg" => Some(FileKind::Jpeg),
            other => other.parse().ok(),
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Png => "image/png",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Webp => "image/webp",
            FileKind::Odt => "application/vnd.oasis.opendocument.text",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }

    /// How people name it.
    pub fn label(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF",
            FileKind::Png => "PNG",
            FileKind::Jpeg => "JPEG",
            FileKind::Webp => "WebP",
            FileKind::Odt => "ODT (LibreOffice)",
            FileKind::Docx => "DOCX (Word)",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Webp => &["webp"],
            FileKind::Odt => &["odt"],
            FileKind::Docx => &["docx"],
        }
    }

    pub fn from_mime(mime: &str) -> Option<FileKind> {
        FileKind::VARIANTS
            .iter()
            .copied()
            .find(|k| k.mime() == mime)
    }

    /// The kind the bytes say they are (magic numbers), whatever the name claims.
    pub fn detect(bytes: &[u8]) -> Option<FileKind> {
        infer::get(bytes).and_then(|t| FileKind::from_mime(t.mime_type()))
    }
}

/// What a file field accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRule {
    pub accept: Vec<FileKind>,
    pub max_bytes: u64,
    pub max_files: usize,
}

impl FileRule {
    /// A PDF of 10 MB at most: what a field accepts unless its provider says otherwise.
    pub fn pdf() -> FileRule {
        FileRule {
            accept: vec![FileKind::Pdf],
            max_bytes: 10 * MB,
            max_files: 1,
        }
    }

    /// Told beside the input.
    pub fn hint(&self) -> String {
        let kinds: Vec<&str> = self.accept.iter().map(|k| k.label()).collect();
        let count = match self.max_files {
            1 => "Un seul fichier".to_string(),
            n => format!("Jusqu'à {n} fichiers"),
        };
        format!(
            "Format{} accepté{} : {}. {} de {} au maximum.",
            if kinds.len() > 1 { "s" } else { "" },
            if kinds.len() > 1 { "s" } else { "" },
            kinds.join(", "),
            count,
            size_label(self.max_bytes)
        )
    }

    /// The input's `accept` attribute: a hint for the browser's file picker, never trusted.
    pub fn accept_attribute(&self) -> String {
        self.accept
            .iter()
            .flat_map(|k| {
                k.extensions()
                    .iter()
                    .map(|e| format!(".{e}"))
                    .chain([k.mime().to_string()])
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

pub const MB: u64 = 1024 * 1024;

/// Why a sent file was not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Empty,
    TooLarge {
        max: u64,
    },
    WrongKind {
        accepted: Vec<FileKind>,
    },
    TooMany {
        max: usize,
    },
    /// The antivirus found something.
    Infected,
    /// The antivirus could not be asked: nothing is accepted unchecked.
    ScannerUnavailable,
}

impl Refusal {
    /// The message shown on the step, naming the file.
    pub fn message(&self, name: &str) -> String {
        let name = shorten(name, 80);
        match self {
            Refusal::Empty => format!("Le fichier « {name} » est vide : il n'a pas été ajouté."),
            Refusal::TooLarge { max } => format!(
                "Le fichier « {name} » dépasse {} : il n'a pas été ajouté. Réduisez-le (par exemple en l'exportant en PDF compressé) puis envoyez-le à nouveau.",
                size_label(*max)
            ),
            Refusal::WrongKind { accepted } => {
                let kinds: Vec<&str> = accepted.iter().map(|k| k.label()).collect();
                format!(
                    "Le fichier « {name} » n'est pas un fichier {} (son contenu a été vérifié, pas seulement son nom) : il n'a pas été ajouté.",
                    kinds.join(" ou ")
                )
            }
            Refusal::TooMany { max } => format!(
                "Le fichier « {name} » n'a pas été ajouté : {max} fichier{} au maximum pour cette question. Retirez-en un avant d'en ajouter un autre.",
                if *max > 1 { "s" } else { "" }
            ),
            Refusal::Infected => format!(
                "Le fichier « {name} » a été refusé : l'antivirus y a détecté un contenu malveillant."
            ),
            Refusal::ScannerUnavailable => format!(
                "Le fichier « {name} » n'a pas pu être vérifié par l'antivirus pour le moment : il n'a pas été ajouté. Réessayez plus tard."
            ),
        }
    }
}

/// Judges a sent file against its field's rule: its size, its real kind, and how many files
/// the field already holds. The kind kept is the one the bytes say.
pub fn judge(rule: &FileRule, bytes: &[u8], already: usize) -> Result<FileKind, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() as u64 > rule.max_bytes {
        return Err(Refusal::TooLarge {
            max: rule.max_bytes,
        });
    }
    let kind = FileKind::detect(bytes)
        .filter(|k| rule.accept.contains(k))
        .ok_or_else(|| Refusal::WrongKind {
            accepted: rule.accept.clone(),
        })?;
    if already >= rule.max_files {
        return Err(Refusal::TooMany {
            max: rule.max_files,
        });
    }
    Ok(kind)
}

/// A file name safe to show and to offer as a download: its last path part, no control or
/// reserved characters, 100 characters at most, ending with an extension of its real kind.
pub fn sanitize_name(raw: &str, kind: FileKind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | ';') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    let cleaned = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if kind.extensions().contains(&ext.to_lowercase().as_str()) => {
            (stem.to_string(), ext.to_lowercase())
        }
        _ => (cleaned.to_string(), kind.extensions()[0].to_string()),
    };
    let stem = stem.trim_matches(|c: char| c == '.' || c == ' ');
    let stem = if stem.is_empty() { "fichier" } else { stem };
    let stem: String = stem.chars().take(90).collect();
    format!("{}.{extension}", stem.trim_end())
}

/// How an answer names one of its files: `<id>:<name>`, readable in exports and in the
/// history, and tied to the attachment's row by its id.
pub fn item(id: i64, name: &str) -> String {
    format!("{id}:{name}")
}

/// The id and name of an answer's file item.
pub fn parse_item(item: &str) -> Option<(i64, &str)> {
    let (id, name) = item.split_once(':')?;
    let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
    Some((id, name))
}

/// A size as people read it: "820 octets", "245 ko", "1,2 Mo".
pub fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    if bytes < KB {
        format!("{bytes} octets")
    } else if bytes < MB {
        format!("{} ko", bytes.div_ceil(KB))
    } else {
        let tenths = (bytes * 10).div_ceil(MB);
        match tenths % 10 {
            0 => format!("{} Mo", tenths / 10),
            d => format!("{},{d} Mo", tenths / 10),
        }
    }
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    const PNG: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52,
    ];

    #[test]
    fn the_kind_is_read_from_the_bytes_not_the_name() {
        let rule = FileRule::pdf();
        assert_eq!(judge(&rule, PDF, 0), Ok(FileKind::Pdf));
        assert_eq!(
            judge(&rule, b"ceci n'est pas un PDF", 0),
            Err(Refusal::WrongKind {
                accepted: vec![FileKind::Pdf]
            })
        );
        assert!(matches!(
            judge(&rule, PNG, 0),
            Err(Refusal::WrongKind { .. })
        ));
    }

    #[test]
    fn size_count_and_emptiness_are_judged() {
        let rule = FileRule {
            max_bytes: 20,
            ..FileRule::pdf()
        };
        assert_eq!(judge(&rule, PDF, 0), Err(Refusal::TooLarge { max: 20 }));
        assert_eq!(judge(&FileRule::pdf(), b"", 0), Err(Refusal::Empty));
        assert_eq!(
            judge(&FileRule::pdf(), PDF, 1),
            Err(Refusal::TooMany { max: 1 })
        );
        let several = FileRule {
            max_files: 3,
            ..FileRule::pdf()
        };
        assert_eq!(judge(&several, PDF, 2), Ok(FileKind::Pdf));
    }

    #[test]
    fn names_lose_their_path_and_reserved_characters_and_keep_a_true_extension() {
        assert_eq!(
            sanitize_name("C:\\Users\\marie\\Délibération 2026.PDF", FileKind::Pdf),
            "Délibération 2026.pdf"
        );
        assert_eq!(
            sanitize_name("../../etc/passwd", FileKind::Pdf),
            "passwd.pdf"
        );
        assert_eq!(
            sanitize_name("a<b>\"c\r\n.pdf", FileKind::Pdf),
            "a_b__c__.pdf"
        );
        assert_eq!(sanitize_name("photo.exe", FileKind::Png), "photo.exe.png");
        assert_eq!(sanitize_name("...", FileKind::Pdf), "fichier.pdf");
        assert_eq!(sanitize_name("", FileKind::Jpeg), "fichier.jpg");
        let long = "x".repeat(300) + ".pdf";
        assert_eq!(sanitize_name(&long, FileKind::Pdf).chars().count(), 94);
    }

    #[test]
    fn items_carry_an_id_and_a_name() {
        assert_eq!(item(12, "a:b.pdf"), "12:a:b.pdf");
        assert_eq!(parse_item("12:a:b.pdf"), Some((12, "a:b.pdf")));
        assert_eq!(parse_item("x:a.pdf"), None);
        assert_eq!(parse_item("0:a.pdf"), None);
        assert_eq!(parse_item("a.pdf"), None);
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_label(820), "820 octets");
        assert_eq!(size_label(250 * 1024), "250 ko");
        assert_eq!(size_label(10 * MB), "10 Mo");
        assert_eq!(size_label(MB + MB / 5), "1,2 Mo");
    }

    #[test]
    fn hints_and_accept_attributes_follow_the_rule() {
        assert_eq!(
            FileRule::pdf().hint(),
            "Format accepté : PDF. Un seul fichier de 10 Mo au maximum."
        );
        let images = FileRule {
            accept: vec![FileKind::Png, FileKind::Jpeg],
            max_bytes: 5 * MB,
            max_files: 5,
        };
        assert_eq!(
            images.hint(),
            "Formats acceptés : PNG, JPEG. Jusqu'à 5 fichiers de 5 Mo au maximum."
        );
        assert_eq!(
            images.accept_attribute(),
            ".png,image/png,.jpg,.jpeg,image/jpeg"
        );
    }
}
