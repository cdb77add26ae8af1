/**
 * `sdprompt import IMAGE.png|infotext.txt|prompt.json [-o FILE]`: writes a prompt file from an
 * image's generation data or an infotext (docs/engines.md "Import"). Prints to stdout unless -o;
 * -o never replaces an existing file without --force (and then via a temp file and rename).
 */
import type { Command } from 'commander';
import { CliError, EXIT_OK, type CliContext } from '../context.js';

interface ImportFlags {
  output?: string;
  force?: boolean;
}

export function registerImport(program: Command, context: CliContext): void {
  program
    .command('import')
    .description('Write a prompt file from a PNG (A1111 parameters, ComfyUI prompt, sdprompt source) or infotext text')
    .argument('<file>', 'PNG image, infotext .txt or ComfyUI API .json')
    .option('-o, --output <file>', 'write the prompt file here instead of stdout')
    .option('--force', 'replace --output if it exists')
    .action(async (file: string, flags: ImportFlags) => {
      const path = await import('node:path');
      const { readFile, rename, writeFile, access } = await import('node:fs/promises');
      const { importPng, importText, ImportError } = await import('../../import/import.js');
      const { PngError } = await import('../../render/png-text.js');
      let data: Buffer;
      try {
        data = await readFile(path.resolve(context.cwd, file));
      } catch {
        throw new CliError(`cannot read ${file}`);
      }
      let result;
      try {
        const isPng = data.subarray(1, 4).toString('latin1') === 'PNG';
        result = isPng ? importPng(data) : importText(data.toString('utf8'));
      } catch (error) {
        if (error instanceof ImportError || error instanceof PngError) throw new CliError(`${file}: ${error.message}`, 1);
        throw error;
      }
      for (const note of result.notes) context.stderr.write(`${file}: note: ${note}\n`);
      if (!flags.output) {
        context.stdout.write(result.text);
      } else {
        const target = path.resolve(context.cwd, flags.output);
        const exists = await access(target).then(
          () => true,
          () => false,
        );
        if (exists && !flags.force) throw new CliError(`${flags.output} exists; pass --force to replace it`);
        const temp = `${target}.${process.pid}.tmp`;
        await writeFile(temp, result.text);
        await rename(temp, target);
        context.stderr.write(`wrote ${flags.output} (from ${result.origin} data)\n`);
      }
      context.exitCode = EXIT_OK;
    });
}
