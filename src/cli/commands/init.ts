/** `sdprompt init`: writes a starter sdprompt.config.json; never overwrites an existing configuration. */
import type { Command } from 'commander';
import { CliError, type CliContext } from '../context.js';

interface InitOptions {
  preset: string;
  engine: string;
  loraDir?: string[];
  a1111Root?: string;
  comfyuiRoot?: string;
}

export function registerInit(program: Command, context: CliContext): void {
  program
    .command('init')
    .description('Write a starter sdprompt.config.json in the current folder (never overwrites one)')
    .option('--preset <name>', 'recommended or strict', 'recommended')
    .option('--engine <name>', 'the engine prompt files target', 'a1111')
    .option('--lora-dir <dir...>', 'LoRA folders for the lora/* rules')
    .option('--a1111-root <dir>', 'an A1111 / Forge install (models/Lora, embeddings, …)')
    .option('--comfyui-root <dir>', 'a ComfyUI install (models/loras, …)')
    .action(async (options: InitOptions) => {
      const fs = await import('node:fs');
      const path = await import('node:path');
      const { CONFIG_FILE_NAME, ConfigValidator, ENGINE_KINDS } = await import('../../config/index.js');
      const { builtinRules } = await import('../../lint/registry.js');
      if (!['recommended', 'strict'].includes(options.preset)) throw new CliError(`--preset must be recommended or strict, got "${options.preset}"`);
      if (!(ENGINE_KINDS as readonly string[]).includes(options.engine)) {
        throw new CliError(`--engine must be one of ${ENGINE_KINDS.join(', ')}, got "${options.engine}"`);
      }
      const target = path.join(context.cwd, CONFIG_FILE_NAME);
      // A package.json "sdprompt" key is a configuration too: a new file would silently take its place.
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(context.cwd, 'package.json'), 'utf8')) as Record<string, unknown>;
        if (manifest && typeof manifest === 'object' && 'sdprompt' in manifest) {
          throw new CliError(`package.json in ${context.cwd} already has an "sdprompt" configuration; not writing ${CONFIG_FILE_NAME}`);
        }
      } catch (error) {
        if (error instanceof CliError) throw error;
        // No (readable) package.json: nothing to protect.
      }
      const library: Record<string, unknown> = {};
      if (options.loraDir?.length) library.loraDirs = options.loraDir;
      if (options.a1111Root) library.a1111Root = options.a1111Root;
      if (options.comfyuiRoot) library.comfyuiRoot = options.comfyuiRoot;
      const config = {
        $schema: 'https://sdprompt.dev/schemas/sdprompt.config.schema.json',
        root: true,
        extends: options.preset,
        engine: options.engine,
        ...(Object.keys(library).length ? { library } : {}),
        rules: {},
        ignores: ['out/**'],
      };
      new ConfigValidator(builtinRules).validate(config, target);
      const text = JSON.stringify(config, null, 2) + '\n';
      // 'wx' fails if the file exists, even if it appeared after any check we could make first.
      const temp = `${target}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(temp, text, { flag: 'wx' });
        try {
          fs.linkSync(temp, target); // link (unlike rename) refuses to replace an existing file
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
          // No hard links here: exclusive create still never overwrites (a crash may leave it partial).
          fs.writeFileSync(target, text, { flag: 'wx' });
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new CliError(`${CONFIG_FILE_NAME} already exists in ${context.cwd}; not overwriting it`);
        }
        throw new CliError(`cannot write ${target}: ${(error as Error).message}`);
      } finally {
        fs.rmSync(temp, { force: true });
      }
      context.stdout.write(`Wrote ${CONFIG_FILE_NAME} (preset ${options.preset}, engine ${options.engine}). Run "sdprompt lint" to check your prompt files.\n`);
    });
}
