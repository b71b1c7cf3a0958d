import type { CommandModule } from './types.ts';

export const command: CommandModule = {
  name: 'modem',
  register(program, setExit) {
    program
      .command('modem')
      .description('serve an emulated LoRaWAN modem (RN2483 or RAK3172) on a pseudo-terminal or a serial device; frames go to the built-in network server or out through Semtech UDP')
      .requiredOption('--type <type>', 'rn2483 | rak3172')
      .option('--pty', 'create a pseudo-terminal and print its path (needs socat)')
      .option('--pty-link <path>', 'also make a stable symlink to the pseudo-terminal at this path')
      .option('--port <device>', 'serve a serial device, e.g. /dev/ttyUSB0 wired to the board\'s modem pins')
      .option('--baud <n>', 'baud of --port (default: the module\'s, 57600 or 115200)')
      .option('--hweui <eui>', 'the module\'s factory EUI (hweui)')
      .option('--app <app>', 'decode uplinks with this app schema (codecs/apps)')
      .option('--udp <host:port>', 'send frames to a network server through a Semtech UDP packet forwarder')
      .option('--gateway-eui <eui>', 'gateway EUI for --udp', 'AA555A0000000000')
      .option('--speed <x>', 'virtual time per wall time (1 = real time)', '1')
      .option('--seed <n>', 'seed of the emulator and network randomness')
      .action(async (opts: { type: string; pty?: boolean; ptyLink?: string; port?: string; baud?: string; hweui?: string; app?: string; udp?: string; gatewayEui: string; speed: string; seed?: string }) => {
        const { runModem } = await import('../modem/cli.ts');
        setExit(await runModem(opts));
      });
  },
};
