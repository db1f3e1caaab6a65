//! The `# METADATA` comment block of a rule file, as YAML text. Shared with the build script,
//! which reads the built-in rules' blocks when the crate is built (so this file uses `std`
//! only).

/// The METADATA block of a rule file, as YAML text, with where each of its lines came from.
pub(crate) struct Block {
    pub(crate) yaml: String,
    /// For each YAML line: the 1-based rule-file line and the prefix length removed.
    pub(crate) lines: Vec<(u32, u32)>,
}

/// The block that follows the `# METADATA` line, up to the first line not commented out.
pub(crate) fn metadata_block(text: &str) -> Option<Block> {
    let mut lines = text.lines().enumerate();
    let start = lines.find(|(_, line)| line.trim_end() == "# METADATA")?.0;
    let mut block = Block {
        yaml: String::new(),
        lines: Vec::new(),
    };
    for (index, line) in text.lines().enumerate().skip(start + 1) {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        let (content, prefix) = match rest.strip_prefix(' ') {
            Some(content) => (content, 2),
            None => (rest, 1),
        };
        block.yaml.push_str(content);
        block.yaml.push('\n');
        block
            .lines
            .push((u32::try_from(index + 1).unwrap_or(u32::MAX), prefix));
    }
    Some(block)
}

impl Block {
    /// Maps a byte offset in the YAML text back to a rule-file line and column.
    pub(crate) fn locate(&self, offset: u32) -> (Option<u32>, Option<u32>) {
        let before = self.yaml.get(..offset as usize).unwrap_or("");
        let yaml_line = before.matches('\n').count();
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32;
        match self.lines.get(yaml_line) {
            Some(&(line, prefix)) => (Some(line), Some(column + prefix + 1)),
            None => (self.lines.last().map(|l| l.0), None),
        }
    }
}
