import Bytes
import ELF
import Render

/// Opens an ELF file for a binutils-style tool, turning every failure into one line
/// "<path>: <why>" (the CLI prefixes "sonde <tool>: ").
public func openELF(_ path: String) throws(ToolError) -> ELFFile {
    do {
        return try ELFFile(path: path)
    } catch let e as FileError {
        throw ToolError(e.description)
    } catch let e as ELFError {
        throw ToolError("\(path): \(e)")
    } catch {
        throw ToolError("\(path): \(error)")
    }
}
