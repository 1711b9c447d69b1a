import { Box, Grid, Typography } from '@mui/material';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Title, useGetList, useTranslate } from 'react-admin';
import { CitizenStep, type CitizenValues } from './CitizenStep.tsx';
import { DecisionStep } from './DecisionStep.tsx';
import { KnowledgePanel } from './KnowledgePanel.tsx';
import { type OpenedCase, RequestStep } from './RequestStep.tsx';

/** A call or message handled from start to end: who, what, answer or transfer. Keyboard first (shortcuts listed on the page). */
const Contact = () => {
  const translate = useTranslate();
  const navigate = useNavigate();
  const lookupRef = useRef<HTMLInputElement>(null);
  const kbRef = useRef<HTMLInputElement>(null);
  const [citizen, setCitizen] = useState<CitizenValues | null>(null);
  const [opened, setOpened] = useState<OpenedCase | null>(null);
  const { data: municipalities } = useGetList('municipalities');
  const [municipalityId, setMunicipalityId] = useState('');
  // An operator serving one city has nothing to choose.
  useEffect(() => {
    if (municipalities?.length === 1 && !municipalityId) setMunicipalityId(String(municipalities[0]!.id));
  }, [municipalities, municipalityId]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey) return;
      const target = { KeyL: lookupRef, KeyK: kbRef }[e.code];
      if (target) {
        e.preventDefault();
        target.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <Box sx={{ mt: 2 }}>
      <Title title="app.contact.title" />
      <Typography component="h1" variant="h5">
        {translate('app.contact.title')}
      </Typography>
      <Typography variant="body2" sx={{ mb: 2 }} id="contact-shortcuts">
        {translate('app.contact.shortcuts')}
      </Typography>
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 8 }} sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <CitizenStep lookupRef={lookupRef} onCitizen={setCitizen} />
          {citizen && !opened && (
            <RequestStep
              citizen={citizen}
              setCitizen={setCitizen}
              municipalityId={municipalityId}
              setMunicipalityId={setMunicipalityId}
              onOpened={setOpened}
            />
          )}
          {opened && <DecisionStep opened={opened} onNext={() => navigate('/contact', { state: { fresh: Date.now() } })} />}
        </Grid>
        <Grid size={{ xs: 12, lg: 4 }}>
          <KnowledgePanel inputRef={kbRef} municipalityId={municipalityId || undefined} />
        </Grid>
      </Grid>
    </Box>
  );
};

// Each visit (and Alt+N, "next contact") starts from a clean page.
export const NewContact = () => <Contact key={useLocation().key} />;
